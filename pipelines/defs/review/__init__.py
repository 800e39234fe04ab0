"""Expert review of items."""

import dagster as dg

from pipelines.defs.review.assets import reviewed_items

defs = dg.Definitions(assets=[reviewed_items])
