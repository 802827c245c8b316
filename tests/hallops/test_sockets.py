"""hallops.sockets: the one reader of client frames refuses with a code and never raises anything else."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallops.core.errors import Invalid
from hallops.sockets import MAX_DEPTH, BadFrame, SharedFrame, arg, encode, parse_frame


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_any_frame_is_a_dict_or_a_bad_frame(raw):
    try:
        assert isinstance(parse_frame(raw if isinstance(raw, str) else None, raw if isinstance(raw, bytes) else None),
                          dict)
    except BadFrame as e:
        assert e.code in {"bad_json", "frame_too_large", "control_characters"}


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet="abc你好 \t\n"),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(alphabet="xyz", max_size=3), kids, max_size=3),
                    max_leaves=20))
def test_a_clean_object_within_the_depth_comes_back_unchanged(value):
    frame = {"action": "x", "args": value}
    assert parse_frame(json.dumps(frame)) == frame


def test_nesting_is_cut_at_the_depth_limit_before_the_parser_recurses():
    ok = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_frame('{"a": ' + ok + "}")["a"] is not None
    with pytest.raises(BadFrame, match="嵌套"):
        parse_frame('{"a": ' + "[" * 10000 + "}")  # unbalanced too: the count comes first
    # Brackets inside strings do not count.
    assert parse_frame(json.dumps({"note": "[" * 100}))["note"] == "[" * 100


@pytest.mark.parametrize("raw", ['{"n": 1e400}', '{"n": -1e400}', '{"n": NaN}', '{"n": Infinity}'])
def test_numbers_that_are_not_finite_are_bad_json(raw):
    with pytest.raises(BadFrame) as refused:
        parse_frame(raw)
    assert refused.value.code == "bad_json"


@pytest.mark.parametrize("content, name, kind, code_or_value", [
    ({"t": "6f1c1b9e-6d2a-4c51-9b55-0c6f1d3e7a10"}, "t", "uuid", "6f1c1b9e-6d2a-4c51-9b55-0c6f1d3e7a10"),
    ({"t": "not-a-uuid"}, "t", "uuid", "bad_args"),
    ({"t": {"x": 1}}, "t", "uuid", "bad_args"),
    ({"w": "12"}, "w", int, 12),
    ({"w": 2**64}, "w", int, "bad_args"),
    ({"w": True}, "w", int, "bad_args"),
    ({"w": 1.5}, "w", int, "bad_args"),
    ({"s": ["x"]}, "s", str, "bad_args"),
    ({"s": "x" * 5000}, "s", str, "bad_args"),
    ({}, "s", str, "bad_args"),
])
def test_arguments_are_typed_and_bounded(content, name, kind, code_or_value):
    import uuid

    kind = uuid.UUID if kind == "uuid" else kind
    if code_or_value == "bad_args":
        with pytest.raises(Invalid) as refused:
            arg(content, name, kind)
        assert refused.value.code == "bad_args"
    else:
        assert arg(content, name, kind) == code_or_value


def test_a_frame_shared_by_many_sockets_is_encoded_once_as_any_other_frame_would_be():
    event = {"type": "ticket.called", "number": "A001", "window": {"id": 3, "name": "综合窗口"}}
    shared = SharedFrame(event)

    text = encode(shared)

    assert text == encode(dict(event)) and json.loads(text) == event
    assert encode(shared) is text  # the next socket reuses the text
    assert "综合窗口" in text  # UTF-8 as is, not \u escapes
