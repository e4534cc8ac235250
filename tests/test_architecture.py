"""The shape of the code: apps import one another one way only, ``kit`` is the bottom,
``stockton_improve`` holds only the project's settings and URLs, every app's URLs have their
namespace, templates link through ``{% url %}``, template tags only format, and no module of
the app code grows past ``MAX_MODULE_LINES`` (a module that long is split by what it does).

Each check is a function of a folder, tried first on small made-up projects (so each can be seen
to fail) and then on this one. The app graph counts imports at module level and inside
functions; an app is a top-level package (a folder with ``__init__.py``), its tests and
migrations aside.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_APPS = {"tests"}
PROJECT = "stockton_improve"
PROJECT_FILES = {"__init__.py", "settings", "urls.py", "wsgi.py"}
LINK = re.compile(r"""\b(href|action|src)\s*=\s*(["'])(.*?)\2""", re.S)
# an address built by hand in a plain-text email, or a literal path as a link's fallback
SITE_PATH = re.compile(r"""\{\{\s*site_url\s*\}\}/[\w/-]+|default:(["'])/[^"']*\1""")
# The longest an app module may be; development and load tools are not app code.
MAX_MODULE_LINES = 450
NOT_APP_CODE = {"devtools", "loadtest"}


def apps(root: Path) -> list[str]:
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_APPS
    )


def _modules(root: Path, app: str):
    for path in sorted((root / app).rglob("*.py")):
        parts = path.relative_to(root).parts
        if "migrations" in parts or "tests" in parts[1:]:
            continue
        yield path


def _imported(path: Path) -> list[str]:
    """The absolute names a module imports, wherever in it the import is."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def app_graph(root: Path) -> dict[str, dict[str, list[str]]]:
    """{app: {app it imports: [its modules that do]}}."""
    known = set(apps(root))
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in known}
    for app in known:
        for path in _modules(root, app):
            for name in _imported(path):
                top = name.split(".")[0]
                if top in known and top != app:
                    where = str(path.relative_to(root))
                    graph[app].setdefault(top, [])
                    if where not in graph[app][top]:
                        graph[app][top].append(where)
    return graph


def cycles(graph: dict[str, dict]) -> list[list[str]]:
    """The groups of apps that reach one another (strongly connected, more than one app)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(app):
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in sorted(graph.get(app, ())):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return sorted(found)


def kit_imports(root: Path) -> dict[str, list[str]]:
    return app_graph(root).get("kit", {})


def project_extras(root: Path) -> list[str]:
    return sorted(
        p.name
        for p in (root / PROJECT).iterdir()
        if p.name not in PROJECT_FILES and p.name != "__pycache__"
    )


def urls_without_app_name(root: Path) -> list[str]:
    missing = []
    for app in apps(root):
        path = root / app / "urls.py"
        if app == PROJECT or not path.exists():  # the root URLconf
            continue
        tree = ast.parse(path.read_text())
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        if "app_name" not in names:
            missing.append(f"{app}/urls.py")
    return missing


def _internal(value: str) -> bool:
    """A link written as a path of this site: "/dashboard/", "{{ site_url }}/manage/"."""
    value = re.sub(r"^\{\{\s*site_url\s*\}\}", "", value.strip())
    return value.startswith("/") and not value.startswith("//")


def literal_links(root: Path) -> list[str]:
    found = []
    for path in sorted((root / "templates").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".txt"):
            text = path.read_text()
            for match in LINK.finditer(text):
                if _internal(match.group(3)):
                    line = text.count("\n", 0, match.start()) + 1
                    where = path.relative_to(root)
                    found.append(f"{where}:{line}: {match.group(1)}={match.group(3)[:60]}")
            for match in SITE_PATH.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {match.group(0)[:60]}")
    return found


def tags_reading_data(root: Path) -> list[str]:
    """Template tag modules that import selectors or permissions."""
    found = []
    for path in sorted(root.glob("*/templatetags/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [
                    f"{node.module or ''}.{alias.name}" for alias in node.names
                ]
            for name in names:
                parts = name.split(".")
                if "permissions" in parts or any(p.endswith("selectors") for p in parts):
                    found.append(f"{path.relative_to(root)}: {name.strip('.')}")
    return found


def long_modules(root: Path, limit: int = MAX_MODULE_LINES) -> list[str]:
    """App modules (tests, migrations, development and load tools aside) over ``limit`` lines."""
    found = []
    for app in apps(root):
        if app in NOT_APP_CODE:
            continue
        for path in _modules(root, app):
            lines = len(path.read_text().splitlines())
            if lines > limit:
                found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


# --- each check fails on a made-up project ------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_cycle_of_three_apps_is_found_and_imports_in_functions_count(tmp_path):
    root = _write(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/views.py": "from b import selectors\n",
            "b/__init__.py": "",
            "b/selectors.py": "def f():\n    import c.models\n",
            "c/__init__.py": "",
            "c/models.py": "from a.views import x\n",
            "c/migrations/0001_initial.py": "import a\n",
            "d/__init__.py": "",
            "d/x.py": "import a\n",
        },
    )
    assert cycles(app_graph(root)) == [["a", "b", "c"]]
    (root / "c" / "models.py").write_text("")
    assert cycles(app_graph(root)) == []


def test_kit_importing_an_app_is_found(tmp_path):
    root = _write(
        tmp_path,
        {"kit/__init__.py": "", "kit/x.py": "from a import y\n", "a/__init__.py": ""},
    )
    assert kit_imports(root) == {"a": ["kit/x.py"]}


def test_anything_else_in_the_project_package_is_found(tmp_path):
    root = _write(
        tmp_path,
        {
            f"{PROJECT}/__init__.py": "",
            f"{PROJECT}/urls.py": "",
            f"{PROJECT}/wsgi.py": "",
            f"{PROJECT}/settings/base.py": "",
            f"{PROJECT}/helpers.py": "",
        },
    )
    assert project_extras(root) == ["helpers.py"]


def test_modules_over_the_limit_are_found_outside_tests_migrations_and_tools(tmp_path):
    long = "x = 1\n" * 5
    root = _write(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/views.py": long,
            "a/forms.py": "x = 1\n" * 4,
            "a/migrations/0001_initial.py": long,
            "a/tests/test_x.py": long,
            "devtools/__init__.py": "",
            "devtools/seed.py": long,
            "tests/__init__.py": "",
            "tests/test_y.py": long,
        },
    )
    assert long_modules(root, limit=4) == ["a/views.py: 5 lines"]


def test_urls_without_app_name_are_found(tmp_path):
    root = _write(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/urls.py": 'app_name = "a"\nurlpatterns = []\n',
            "b/__init__.py": "",
            "b/urls.py": "urlpatterns = []\n",
        },
    )
    assert urls_without_app_name(root) == ["b/urls.py"]


def test_literal_internal_links_are_found(tmp_path):
    root = _write(
        tmp_path,
        {
            "templates/ok.html": (
                "<a href=\"{% url 'dashboard:home' %}?plan=1\">x</a>"
                '<a href="https://www.gov.uk/">x</a><a href="#main">x</a>'
                '<img src="{% static \'a.png\' %}"><a href="{{ links.csv }}">x</a>'
                "<a href=\"{{ site_url }}{% url 'planning:home' %}\">x</a>"
            ),
            "templates/bad.html": '<a href="/">x</a>\n<form action="/dashboard/">',
            "templates/email/bad.txt": '<a href="{{ site_url }}/manage/">',
            "templates/include.html": "{% include \"x.html\" with action='/dashboard/' %}",
            "templates/email/plain.txt": "See {{ site_url }}/manage/accountability/\n",
            "templates/fallback.html": "<a href=\"{{ links.x|default:'/dashboard/' }}\">",
        },
    )
    assert literal_links(root) == [
        "templates/bad.html:1: href=/",
        "templates/bad.html:2: action=/dashboard/",
        "templates/email/bad.txt:1: href={{ site_url }}/manage/",
        "templates/email/bad.txt:1: {{ site_url }}/manage/",
        "templates/email/plain.txt:1: {{ site_url }}/manage/accountability/",
        "templates/fallback.html:1: default:'/dashboard/'",
        "templates/include.html:1: action=/dashboard/",
    ]


def test_template_tags_importing_selectors_or_permissions_are_found(tmp_path):
    root = _write(
        tmp_path,
        {
            "a/templatetags/fine.py": "from ..formatting import number\n",
            "a/templatetags/reads.py": "from .. import selectors\n",
            "b/templatetags/asks.py": "from objectives import permissions\n",
            "c/templatetags/deep.py": "def f():\n    import c.selectors\n",
            "d/templatetags/measures.py": "from impact import measure_selectors\n",
        },
    )
    assert tags_reading_data(root) == [
        "a/templatetags/reads.py: selectors",
        "b/templatetags/asks.py: objectives.permissions",
        "c/templatetags/deep.py: c.selectors",
        "d/templatetags/measures.py: impact.measure_selectors",
    ]


# --- this project -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph():
    return app_graph(ROOT)


def test_no_two_apps_reach_each_other(graph):
    found = cycles(graph)
    detail = {
        f"{a} -> {b}": graph[a][b] for group in found for a in group for b in group if b in graph[a]
    }
    assert found == [], f"apps that import each other: {found}; imports: {detail}"


def test_kit_imports_no_app_of_the_project(graph):
    assert graph["kit"] == {}


def test_the_project_package_holds_only_settings_urls_and_wsgi():
    assert project_extras(ROOT) == []


def test_every_apps_urls_have_a_namespace():
    assert urls_without_app_name(ROOT) == []


def test_templates_link_through_url_names():
    assert literal_links(ROOT) == []


def test_template_tags_only_format():
    assert tags_reading_data(ROOT) == []


def test_no_app_module_is_longer_than_the_limit():
    assert long_modules(ROOT) == [], f"split these by what they do (at most {MAX_MODULE_LINES})"
