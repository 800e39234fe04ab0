"""Sources jobs: one crawl job per spider family, over one partition (source) or a range of them."""

import dagster as dg

from pipelines.defs.sources.assets import CRAWL_ASSETS

CRAWL_JOBS = [
    dg.define_asset_job(
        f"crawl_{asset.key.to_user_string().removesuffix('_crawl')}",
        selection=[asset],
        description=f"`{asset.key.to_user_string()}` for one source or a range of sources (run tags "
        "`dagster/asset_partition_range_start`/`_end`): one crawl step per source, in parallel.",
    )
    for asset in CRAWL_ASSETS
]
"""`crawl_<family>` per spider family (a list: Dagster's loader finds lists)."""
