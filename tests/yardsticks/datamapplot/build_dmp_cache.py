"""Build datamapplot's offline-mode cache from npm packages instead of unpkg/cdn.

Run with XDG_DATA_HOME=/work/dmp/xdg so platformdirs puts the cache under /work/dmp.
requests.get is monkeypatched: each DEFAULT_URLS / DEFAULT_CSS_URLS entry is served from the
matching file under /work/dmp/js/node_modules; any other URL raises (no network).
The fonts cache is written empty (no Google Fonts reachable): labels then render in the
browser's fallback sans-serif font.
"""
import json
import os
from pathlib import Path

import requests

NM = Path("/work/dmp/js/node_modules")
LOCAL = {
    "https://unpkg.com/deck.gl@9.1/dist.min.js": NM / "deck.gl/dist.min.js",
    "https://unpkg.com/apache-arrow@latest/Arrow.es2015.min.js": NM / "apache-arrow/Arrow.es2015.min.js",
    "https://unpkg.com/d3@latest/dist/d3.min.js": NM / "d3/dist/d3.min.js",
    "https://unpkg.com/jquery@3.7.1/dist/jquery.min.js": NM / "jquery/dist/jquery.min.js",
    "https://unpkg.com/d3-cloud@1.2.7/build/d3.layout.cloud.js": NM / "d3-cloud/build/d3.layout.cloud.js",
    "https://cdn.datatables.net/1.13.8/js/jquery.dataTables.min.js": NM / "datatables.net/js/jquery.dataTables.min.js",
    "https://cdn.datatables.net/1.13.8/css/jquery.dataTables.min.css": NM / "datatables.net-dt/css/jquery.dataTables.min.css",
}


class FakeResponse:
    def __init__(self, body: bytes):
        self.status_code = 200
        self.ok = True
        self.content = body
        self.text = body.decode("utf-8")


def fake_get(url, *a, **k):
    if url in LOCAL:
        return FakeResponse(LOCAL[url].read_bytes())
    raise RuntimeError(f"network access refused in this benchmark: {url}")


requests.get = fake_get

from datamapplot import offline_mode_caching as omc  # noqa: E402

assert os.environ.get("XDG_DATA_HOME", "").startswith("/work/dmp"), "set XDG_DATA_HOME=/work/dmp/xdg"
assert set(omc.DEFAULT_URLS + omc.DEFAULT_CSS_URLS) <= set(LOCAL), "datamapplot's URL list changed"
omc.cache_js_files()
omc.cache_css_files()
fonts_file = Path(omc.DEFAULT_CACHE_FILES["fonts"])
fonts_file.parent.mkdir(parents=True, exist_ok=True)
fonts_file.write_text(json.dumps({}))
print("empty fonts cache:", fonts_file)
