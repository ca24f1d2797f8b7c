"""A real moto server (S3, Glue, ...) on 127.0.0.1 for tests, reached over HTTP by boto3 / s3fs.

Use it from a test module or a conftest::

    from tests.moto_server import aws_env, moto_reset, moto_server  # noqa: F401  (fixtures)

    def test_x(moto_server, moto_reset, monkeypatch):
        for key, value in aws_env(moto_server).items():
            monkeypatch.setenv(key, value)
        boto3.client("s3").create_bucket(Bucket="lake")

``moto_server`` (session scope) yields the endpoint URL ``http://127.0.0.1:<port>`` and sets nothing globally
(no environment variables, no mock patching: clients must be pointed at the endpoint, e.g. with
``aws_env(endpoint)`` in a subprocess environment or via ``monkeypatch.setenv``). ``moto_reset`` (function scope)
wipes the server's state (POST /moto-api/reset) before the test, so tests don't see each other's buckets/tables.

s3fs: ``s3fs.S3FileSystem(key="testing", secret="testing", client_kwargs={"endpoint_url": endpoint})``. Don't put
``region_name="us-east-1"`` in client_kwargs if you ``fs.mkdir(bucket)``: s3fs then sends LocationConstraint=us-east-1,
which S3 (and moto) reject; create buckets with boto3 or leave the region out.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.ports import free_port

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"



def aws_env(endpoint: str) -> dict[str, str]:
    """Environment variables that point boto3 / botocore (and s3fs through them) at the moto server ``endpoint``."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
    }


def reset(endpoint: str) -> None:
    """Forget everything the server holds (all services, all regions)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def start_server():
    """Start a ThreadedMotoServer on a free 127.0.0.1 port; returns (server, endpoint). Call ``server.stop()``."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # the server thread is started; make sure it answers before handing it out
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1) as response:
                json.loads(response.read() or b"{}")
            break
        except OSError:
            time.sleep(0.05)
    return server, endpoint


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server running for the whole test session."""
    server, endpoint = start_server()
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def moto_reset(moto_server: str) -> str:
    """Reset the moto server's state before the test; yields the same endpoint URL as ``moto_server``."""
    reset(moto_server)
    return moto_server
