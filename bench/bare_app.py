"""The baseline of the web benchmarks: a bare Flask endpoint returning "ok", served the same way as the portal."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
