"""The OpenAI-compatible backend against a small chat-completions server on 127.0.0.1.

The server answers by a marker in the figure caption: valid JSON, invalid JSON, one 429 then an
answer, 500 forever, or too slowly (the client times out). Every failure ends as a quarantined
rejection with its reason after bounded retries, and the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from schemas import BenchmarkSpec, Figure, ReasonCode, SourceSpec
from synthesis.generate import synthesize_items
from synthesis.llm import MissingAPIKeyError, backend_from_spec

pytestmark = pytest.mark.integration

GOOD_REPLY = {
    "questions": [
        {
            "type": "modality_recognition",
            "question": "Which imaging technique produced this image?",
            "options": ["CT scan", "Ultrasound", "MRI", "Plain radiograph"],
            "answer_index": 0,
            "evidence": "CT scan",
        }
    ]
}


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.hits: Counter[str] = Counter()
        self.auth: set[str] = set()
        self.lock = threading.Lock()


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: dict, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def _answer(self, content: str, model: str) -> None:
        self._send(
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 40, "completion_tokens": 25, "total_tokens": 65},
            },
        )

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = " ".join(m["content"] for m in request["messages"])
        mode = next(
            m for m in ("MODE_OK", "MODE_BADJSON", "MODE_429", "MODE_500", "MODE_SLOW") if m in prompt
        )
        with self.server.lock:
            self.server.hits[mode] += 1
            count = self.server.hits[mode]
            self.server.auth.add(self.headers.get("Authorization", ""))
        if mode == "MODE_500":
            self._send(500, {"error": {"message": "server exploded", "type": "server_error"}})
        elif mode == "MODE_429" and count == 1:
            self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"Retry-After": "0"})
        elif mode == "MODE_SLOW":
            time.sleep(1.5)
            self._answer(json.dumps(GOOD_REPLY), request["model"])
        elif mode == "MODE_BADJSON":
            self._answer("Sure! Here are your questions: (1) what is this", request["model"])
        else:
            self._answer("```json\n" + json.dumps(GOOD_REPLY) + "\n```", request["model"])


@pytest.fixture
def chat_server():
    server = ChatServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def spec_for(server: ChatServer) -> BenchmarkSpec:
    return BenchmarkSpec(
        benchmark="http-test",
        sources=[SourceSpec(id="src", kind="pdf", licence="CC-BY-4.0")],
        synthesis={
            "backend": "openai",
            "model": "loopback-model",
            "base_url": f"http://127.0.0.1:{server.server_address[1]}/v1",
            "api_key_env": "MEDFORGE_TEST_KEY",
            "timeout_s": 0.5,
            "max_retries": 2,
            "backoff_s": 0.01,
            "max_repairs": 1,
            "concurrency": 3,
        },
    )


def figure(mode: str) -> Figure:
    sha = hashlib.sha256(mode.encode()).hexdigest()
    return Figure(
        record_id=f"fig-{mode}",
        document_id="doc",
        source_id="src",
        uri="https://example.org/a",
        page=1,
        bbox=[0, 0, 1, 1],
        caption=f"CT scan of the chest showing a nodule. {mode}",
        image_path=f"{sha[:2]}/{sha}.png",
        image_sha256=sha,
        licence="CC-BY-4.0",
    )


def test_every_server_behaviour_ends_as_an_item_or_a_quarantined_reason(chat_server, monkeypatch):
    monkeypatch.setenv("MEDFORGE_TEST_KEY", "sk-test-123")
    modes = ["MODE_OK", "MODE_BADJSON", "MODE_429", "MODE_500", "MODE_SLOW"]
    result = synthesize_items(spec_for(chat_server), [], [], [figure(m) for m in modes])
    made = sorted(i.source_key for i in result.records)
    assert made == ["fig-MODE_429#modality_recognition.0", "fig-MODE_OK#modality_recognition.0"]
    rejected = {r.record_id: (r.reason_code, str(r.disposition), r.message) for r in result.rejections}
    assert rejected["fig-MODE_BADJSON"][:2] == (ReasonCode.INVALID_LLM_OUTPUT, "quarantined")
    assert rejected["fig-MODE_500"][:2] == (ReasonCode.LLM_ERROR, "quarantined")
    assert "HTTP 500" in rejected["fig-MODE_500"][2]
    assert rejected["fig-MODE_SLOW"][:2] == (ReasonCode.LLM_ERROR, "quarantined")
    assert "timed out" in rejected["fig-MODE_SLOW"][2]
    assert chat_server.hits["MODE_500"] == 3  # first try + max_retries
    assert chat_server.hits["MODE_429"] == 2  # one 429, one answer
    assert chat_server.hits["MODE_BADJSON"] == 2  # first try + one repair
    assert chat_server.auth == {"Bearer sk-test-123"}
    assert result.metadata["prompt_tokens"] == 40 * 4 and result.metadata["completion_tokens"] == 25 * 4
    assert result.metadata["models"] == ["openai:loopback-model"]
    assert result.metadata["prompt_versions"][0].startswith("figure_vqa@v1+")


def test_rebuild_from_the_cache_makes_no_requests(chat_server, monkeypatch, tmp_path):
    monkeypatch.setenv("MEDFORGE_TEST_KEY", "sk-test-123")
    spec = spec_for(chat_server).model_copy(
        update={"synthesis": spec_for(chat_server).synthesis.model_copy(update={"cache_dir": str(tmp_path)})}
    )
    first = synthesize_items(spec, [], [], [figure("MODE_OK")])
    hits = chat_server.hits["MODE_OK"]
    second = synthesize_items(spec, [], [], [figure("MODE_OK")])
    assert chat_server.hits["MODE_OK"] == hits == 1
    assert [i.item_id for i in first.records] == [i.item_id for i in second.records]
    assert second.metadata["cache_hits"] == 1 and second.metadata["llm_calls"] == 0


def test_missing_key_fails_before_any_request(chat_server, monkeypatch):
    monkeypatch.delenv("MEDFORGE_TEST_KEY", raising=False)
    with pytest.raises(MissingAPIKeyError, match="MEDFORGE_TEST_KEY"):
        synthesize_items(spec_for(chat_server), [], [], [figure("MODE_OK")])
    with pytest.raises(MissingAPIKeyError):
        backend_from_spec(spec_for(chat_server).synthesis)
    assert sum(chat_server.hits.values()) == 0
