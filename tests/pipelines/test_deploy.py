"""The Kubernetes deployment in deploy/: instance config, Helm values, run config, manifests and the
image, each checked against the schema that will read it (no cluster, no image build)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import dagster as dg
import dagster_k8s  # installed by `make` with --no-deps (it pins dagster one patch behind ours)
import pytest
import yaml
from dagster._config import validate_config
from dagster._core.instance.config import dagster_instance_config
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._serdes.config_class import class_from_code_pointer
from dagster_k8s import K8sRunLauncher

from pipelines.executors import EXECUTORS

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def _pin(text: str, package: str) -> str:
    [version] = set(re.findall(rf"{package}==([0-9.]+)", text))
    return version


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_dagster_k8s_loads_with_our_dagster_at_the_version_the_makefile_and_image_pin() -> None:
    assert dg.__version__ == "1.13.28"
    makefile, dockerfile = (REPO / "Makefile").read_text(), (DEPLOY / "Dockerfile").read_text()
    assert _pin(makefile, "dagster-k8s") == _pin(dockerfile, "dagster-k8s") == dagster_k8s.__version__
    assert "--no-deps" in makefile and "--no-deps dagster-k8s" in dockerfile


def test_instance_config_validates_against_dagsters_schemas() -> None:
    config, _ = dagster_instance_config(str(DEPLOY))  # the whole instance schema (storage, sections)
    launcher = config["run_launcher"]
    assert class_from_code_pointer(launcher["module"], launcher["class"]) is K8sRunLauncher
    checked = validate_config(K8sRunLauncher.config_type(), launcher["config"])
    assert checked.success, checked.errors
    coordinator = config["run_coordinator"]
    assert class_from_code_pointer(coordinator["module"], coordinator["class"]) is QueuedRunCoordinator
    checked = validate_config(QueuedRunCoordinator.config_type(), coordinator["config"])
    assert checked.success, checked.errors
    wrong = dict(launcher["config"], job_namspace="medforge")
    assert not validate_config(K8sRunLauncher.config_type(), wrong).success


def test_build_release_run_config_validates_against_the_k8s_job_executor(monkeypatch) -> None:
    from pipelines.definitions import default_resources, definitions_for

    monkeypatch.setenv("MEDFORGE_EXECUTOR", "k8s")
    monkeypatch.setenv("MEDFORGE_MAX_CONCURRENT", "3")
    job = definitions_for(*default_resources()).resolve_job_def("build_release")
    assert job.executor_def.name == "k8s"
    run_config = yaml.safe_load((DEPLOY / "build_release.run_config.yaml").read_text())
    resolved = dg.validate_run_config(job, run_config)
    assert resolved["execution"]["k8s"]["max_concurrent"] == 6  # the run config wins over the env
    step_names = {node.name for node in job.nodes_in_topological_order}
    assert set(run_config["execution"]["config"]["per_step_k8s_config"]) <= step_names
    with pytest.raises(dg.DagsterInvalidConfigError, match="max_concurent"):
        dg.validate_run_config(job, {"execution": {"config": {"max_concurent": 2}}})
    # with no run config, MEDFORGE_MAX_CONCURRENT of the image environment holds
    assert dg.validate_run_config(job, {})["execution"]["k8s"]["max_concurrent"] == 3


def test_helm_values_serve_our_code_location_with_the_k8s_run_launcher() -> None:
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text())
    [deployment] = values["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "pipelines.definitions"]
    assert deployment["image"]["repository"].endswith("/medforge") and deployment["image"]["tag"]
    env = {e["name"]: e["value"] for e in deployment["env"]}
    assert env["MEDFORGE_EXECUTOR"] in EXECUTORS and env["MEDFORGE_STORE"].startswith("s3://")
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    fields = K8sRunLauncher.config_type()
    for key in values["runLauncher"]["config"]["k8sRunLauncher"]:
        assert _camel_to_snake(key) in fields, key
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    instance, _ = dagster_instance_config(str(DEPLOY))
    coordinator = instance["run_coordinator"]["config"]
    assert queued["maxConcurrentRuns"] == coordinator["max_concurrent_runs"]
    assert queued["tagConcurrencyLimits"] == coordinator["tag_concurrency_limits"]
    # the same environment whether the chart or the ConfigMap of manifests.yaml sets it
    manifests = list(yaml.safe_load_all((DEPLOY / "manifests.yaml").read_text()))
    [config_map] = [m for m in manifests if m["kind"] == "ConfigMap"]
    assert config_map["data"] == env


def test_manifests_provide_what_the_instance_and_run_config_name() -> None:
    manifests = {
        (m["kind"], m["metadata"]["name"])
        for m in yaml.safe_load_all((DEPLOY / "manifests.yaml").read_text())
    }
    launcher = dagster_instance_config(str(DEPLOY))[0]["run_launcher"]["config"]
    run_config = yaml.safe_load((DEPLOY / "build_release.run_config.yaml").read_text())["execution"]["config"]
    for config in (launcher, run_config):
        assert {("ConfigMap", n) for n in config["env_config_maps"]} <= manifests
        assert {("Secret", n) for n in config["env_secrets"]} <= manifests
        for volume in config["volumes"]:
            assert ("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]) in manifests
    assert ("Namespace", launcher["job_namespace"]) in manifests


def test_the_image_serves_pipelines_definitions() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, flags=re.M)
    args = json.loads(cmd)
    assert args[:3] == ["dagster", "api", "grpc"] and args[args.index("-m") + 1] == "pipelines.definitions"
    assert "COPY deploy/dagster.yaml /opt/dagster/dagster_home/dagster.yaml" in dockerfile
    assert re.search(r"^ENV .*DAGSTER_HOME=/opt/dagster/dagster_home", dockerfile, flags=re.M | re.S)
    assert "torch==2.13.0" in dockerfile and "pip install ." in dockerfile
