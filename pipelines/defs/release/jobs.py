"""Release jobs: everything a release needs, from source documents to the written release."""

import dagster as dg

BUILD_JOB = "build_release"

build_release_job = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.assets("benchmark_release").upstream(),
    description="Everything a release needs, from source documents to the written release.",
)
