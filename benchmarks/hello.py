"""The floor the load benchmark compares against: a bare Flask app with one route."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
