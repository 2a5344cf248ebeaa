"""One import package, a working console script, and a wheel that runs on its own."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner

from japan_nato.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_parts_import_from_one_package():
    import japan_nato.loaders.curated
    import japan_nato.quality.gate
    import japan_nato.schema.models

    for mod in (japan_nato.schema.models, japan_nato.loaders.curated, japan_nato.quality.gate):
        assert mod.__name__.startswith("japan_nato.")


def test_no_generic_top_level_names_installed():
    site = Path(sysconfig.get_paths()["purelib"])
    for generic in ("schema", "loaders", "quality", "datasets", "tests"):
        assert not (site / generic).exists(), f"{generic} installed at the top of site-packages"
    # And from outside the repository, only japan_nato is importable.
    code = "import importlib.util as u; print([n for n in ('schema','loaders','quality') if u.find_spec(n)])"
    out = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]


def test_the_cli_has_every_command():
    assert set(COMMANDS) >= {
        "build",
        "check",
        "stats",
        "publish",
        "diff",
        "verify",
        "sql",
        "upgrade",
        "downgrade",
        "migrations",
        "restore",
        "suites",
    }


@pytest.mark.parametrize("command", [[]] + [[c] for c in COMMANDS])
def test_every_command_explains_itself(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    if command:
        # The command's own docstring, not only the option list.
        assert len(result.output.split("Options")[0].split("\n")) > 3


@pytest.mark.slow
def test_built_wheel_runs_help(tmp_path):
    uv = subprocess.run(["which", "uv"], capture_output=True, text=True).stdout.strip() or str(
        Path.home() / ".local/bin/uv"
    )
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True
    )
    wheel = next((tmp_path / "dist").glob("japan_nato-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"japan_nato", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}
    assert "japan_nato/schema/migrations/versions/0001_schema_v1.py" in names
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True)
    subprocess.run(
        [uv, "pip", "install", "--python", str(venv / "bin/python"), str(wheel)], check=True, capture_output=True
    )
    out = subprocess.run([str(venv / "bin/japan-nato"), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "build" in out.stdout and "Japan" in out.stdout
    # The installed copy is the wheel's, not the source tree's.
    where = subprocess.run(
        [str(venv / "bin/python"), "-c", "import japan_nato.schema.models as m; print(m.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert str(venv) in where
