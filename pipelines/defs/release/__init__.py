"""Release: split assignment, the blocking data contract, the versioned Parquet release."""

import dagster as dg

from pipelines.defs.release.assets import benchmark_release, release_candidate
from pipelines.defs.release.checks import release_candidate_meets_contract

BUILD_JOB = "build_release"

build_release_job = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.assets("benchmark_release").upstream(),
    description="Everything a release needs, from source documents to the written release.",
)

defs = dg.Definitions(
    assets=[release_candidate, benchmark_release],
    asset_checks=[release_candidate_meets_contract],
    jobs=[build_release_job],
)
