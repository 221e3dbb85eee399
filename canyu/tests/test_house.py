"""How the code is laid out, checked: no import hidden inside a function to get round a cycle.

Imports run at the top of each module, so a cycle between modules fails at once instead of hiding
in a function until it runs. The exceptions: AppConfig.ready (Django loads models first; the signal
receivers and panels are connected there) and outbox.enqueue, the one name other apps call before
the models load. The direction between apps is the import contract in pyproject.toml (make lint)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ALLOWED = {("outbox/__init__.py", "_relay")}


def our_modules():
    for app in [
        "accounts",
        "canyu",
        "community",
        "feedback",
        "forum",
        "ideas",
        "notifications",
        "outbox",
        "polls",
        "releases",
        "voting",
    ]:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" not in relative and "/migrations/" not in relative:
                yield relative, ast.parse(path.read_text(encoding="utf-8"))


def imports_in_functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            is_app_config = any(getattr(base, "id", getattr(base, "attr", "")) == "AppConfig" for base in node.bases)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and is_app_config and item.name == "ready":
                    item.ready = True
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not getattr(node, "ready", False):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield node.name, inner.lineno


def test_no_module_imports_inside_a_function():
    found = [
        f"{path}:{line} in {function}()"
        for path, tree in our_modules()
        for function, line in imports_in_functions(tree)
        if (path, function) not in ALLOWED
    ]
    assert found == []


def test_the_check_finds_an_import_inside_a_function():
    tree = ast.parse(
        "def f():\n    from forum import posting\n\n\nclass C(AppConfig):\n    def ready(self):\n        import forum\n"
    )
    assert list(imports_in_functions(tree)) == [("f", 2)]
