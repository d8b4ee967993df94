"""How the verifiers read a line's JSON (games/fairness/verify/lines.py): a member name twice in one object is refused,
after the JSON rules and the nesting depth, naming the first object to end and its first repeated name."""

from __future__ import annotations

import pytest

from games.fairness import verify
from games.fairness.verify.lines import Refused, json_value

REPEATED = "member {} appears twice in one object"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"a":1,"a":1}', '"a"'),
        ('{"a":1,"b":{"c":[{"d":1,"d":2}]}}', '"d"'),
        ('{"a":1,"b":1,"b":2,"a":2}', '"b"'),  # the first name repeating an earlier one
        ('{"a":1,"a":2,"b":{"c":1,"c":2}}', '"c"'),  # the inner object ends first
        ('[{"x":1},{"y":1,"y":1}]', '"y"'),
        ('{"pri\\u007ae":"big","prize":"pts"}', '"prize"'),  # names compared once decoded
        ('{"谢谢":1,"谢谢":2}', '"谢谢"'),
        ('{"":1,"":2}', '""'),
    ],
)
def test_a_member_name_twice_in_one_object_is_refused(text: str, name: str) -> None:
    with pytest.raises(Refused) as refused:
        json_value(text)
    assert str(refused.value) == REPEATED.format(name)


def test_the_same_name_in_different_objects_is_fine() -> None:
    assert json_value('{"a":{"a":1},"b":[{"a":2},{"a":3}]}') == {"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"a":1,"a":2} x', "not valid JSON (Extra data)"),  # the JSON rules come first
        ('{"b":{"a":1,"a":2},}', "not valid JSON (Expecting property name enclosed in double quotes)"),
        ("[" * 150 + '{"a":1,"a":2}' + "]" * 150, "not valid JSON (nested more than 100 deep)"),
        ("[" * 5000 + '{"a":1,"a":2}' + "]" * 5000, "not valid JSON (nested more than 100 deep)"),
    ],
)
def test_the_json_rules_and_the_depth_come_before_a_repeated_name(text: str, why: str) -> None:
    with pytest.raises(Refused) as refused:
        json_value(text)
    assert str(refused.value) == why


def test_a_line_with_a_repeated_name_is_refused_before_the_header_check() -> None:
    with pytest.raises(verify.VerificationError) as refused:
        verify.reference_verify_lines(['{"type":"draw","type":"draw"}'])
    assert (refused.value.line, refused.value.message) == (1, REPEATED.format('"type"'))
