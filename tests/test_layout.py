"""The shape of the code: every URL kept as it is, and no import cycle in companion/."""
import ast
import pathlib

HERE = pathlib.Path(__file__).parent
PACKAGE = HERE.parent / "companion"


def test_every_url_and_its_methods_stay_as_they_are(app):
    """tests/data/urls.txt is the list: a route added, moved or dropped must change it on purpose."""
    rules = sorted((rule.rule, ",".join(sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))))
                   for rule in app.url_map.iter_rules())
    kept = [line.split(maxsplit=1) for line in (HERE / "data" / "urls.txt").read_text().splitlines()]
    assert [f"{methods:18} {rule}" for rule, methods in rules] == [
        f"{methods:18} {rule}" for methods, rule in kept]


def module_of(path):
    return ".".join(("companion", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")


def imports(path):
    """The companion modules a module imports, at module level and inside functions."""
    name = module_of(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if not base.startswith("companion"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists()
                          else base)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("companion")}
    return found - {name}


def test_no_module_of_companion_imports_itself_in_a_circle():
    graph = {module_of(p): imports(p) for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    cycles = set()

    def visit(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt == "companion":
                continue  # the app factory imports every module; none needs it back
            if nxt in path:
                cycle = path[path.index(nxt):]
                start = cycle.index(min(cycle))
                cycles.add(" → ".join(cycle[start:] + cycle[:start] + [min(cycle)]))
            elif nxt in graph:
                visit(nxt, path + [nxt])
    for module in sorted(graph):
        visit(module, [module])
    assert sorted(cycles) == []


PURE = ("agenda", "periods", "needs", "chart", "timeline", "reports/copies", "reminders/plan", "settle_rate",
        "strengths/core")


def outside_imports(path):
    """The top-level names of the libraries a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
    return found


def test_the_pure_core_imports_neither_flask_nor_peewee_even_through_other_modules():
    graph = {module_of(p): imports(p) for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    for name in PURE:
        seen, todo = set(), [f"companion.{name.replace('/', '.')}"]
        while todo:
            module = todo.pop()
            if module in seen or module == "companion":
                continue
            seen.add(module)
            todo.extend(graph.get(module, ()))
        for module in seen:
            path = PACKAGE.parent / (module.replace(".", "/") + ".py")
            assert not outside_imports(path) & {"flask", "flask_babel", "flask_login", "peewee",
                                                "playhouse"}, (name, module)


def test_test_modules_never_import_one_another():
    for path in sorted(HERE.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("test_", "tests")), path.name
            elif isinstance(node, ast.Import):
                assert not [a for a in node.names if a.name.startswith("test_")], path.name


def test_every_package_of_companion_is_installed_with_it():
    """pyproject.toml names its packages: a folder left out works in a checkout (and in an
    editable install) but is missing from a wheel."""
    import tomllib
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    named = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(("companion", *p.parent.relative_to(PACKAGE).parts))
             for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert found == named
