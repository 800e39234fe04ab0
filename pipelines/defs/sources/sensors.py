"""Sources sensors: a partition per crawl source of the spec, added to its family's crawl asset."""

import dagster as dg

from pipelines.defs.sources.assets import CRAWL_ASSETS, family_source_ids
from pipelines.defs.sources.partitions import FAMILY_PARTITIONS
from pipelines.resources import SpecResource


@dg.sensor(
    asset_selection=CRAWL_ASSETS,
    minimum_interval_seconds=60,
    description="Adds a partition to each family's crawl asset for every crawl source of the spec.",
)
def crawl_sources_sensor(context: dg.SensorEvaluationContext, spec: SpecResource) -> dg.SensorResult:
    benchmark = spec.get()
    requests = []
    for family, partitions in FAMILY_PARTITIONS.items():
        known = set(context.instance.get_dynamic_partitions(partitions.name))
        new = [i for i in family_source_ids(benchmark, family) if i not in known]
        if new:
            requests.append(partitions.build_add_request(new))
    return dg.SensorResult(dynamic_partitions_requests=requests)
