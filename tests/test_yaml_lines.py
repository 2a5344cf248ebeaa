"""Property-based tests for the curated-file parser: values round-trip and lines point at keys."""

import string

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from japan_nato.loaders.explode import slugify
from japan_nato.loaders.yaml_lines import line_of, read_yaml_records

keys = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12)
scalars = st.one_of(
    st.text(max_size=40),
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
records = st.lists(
    st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, max_size=3)), min_size=1, max_size=6), max_size=8
)


@settings(max_examples=300, deadline=None)
@given(records)
def test_records_round_trip(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("y") / "t.yaml"
    # allow_unicode=False: PyYAML's emitter writes raw line-break characters (U+0085) that every YAML
    # reader folds, which would test the emitter rather than our reader.
    path.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")
    parsed, problems = read_yaml_records(path, "t.yaml")
    assert problems == []
    assert [dict(r) for r in parsed] == data


@settings(max_examples=100, deadline=None)
@given(records)
def test_each_key_line_holds_that_key(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("y") / "t.yaml"
    text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False, width=10_000)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    parsed, _ = read_yaml_records(path, "t.yaml")
    for record in parsed:
        for key in record:
            n = line_of(record, (key,))
            # The dumper quotes keys YAML would read as other types ('false', 'null').
            assert lines[n - 1].lstrip("- ").lstrip("'\"").startswith(key), (key, lines[n - 1])


@given(st.text(max_size=60))
def test_slugify_gives_a_slug(text):
    from japan_nato.loaders.records import SLUG_RE

    assert SLUG_RE.match(slugify(text))


def test_impossible_date_is_a_problem_with_its_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("- a: 1\n  when: 2024-02-30\n", encoding="utf-8")
    parsed, problems = read_yaml_records(path, "t.yaml")
    assert problems == [] and parsed[0]["when"] == "2024-02-30"  # text here; the input models reject it


def test_duplicate_key_is_a_yaml_problem(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("- a: 1\n  b: 2\n  a: 3\n", encoding="utf-8")
    _, problems = read_yaml_records(path, "t.yaml")
    assert len(problems) == 1 and problems[0].line == 3 and "duplicate key" in problems[0].message
