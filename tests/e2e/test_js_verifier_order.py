"""The order of the draws alike in the JavaScript verifier (web/static/audit/verifier.js) and games.fairness.verify: a
shopper's nonce used twice or skipped in a period, a draw of a period after its checkpoint (a checkpoint line or
a saved checkpoints file), each refused with the same line and message; clean exports passed alike."""

from __future__ import annotations

import io
import json

from games.fairness import verify
from tests.e2e.js_verifier import Verdict, js_verdict, run_node
from tests.unit.games.fairness.verify import test_order


def python_verdict(text: str, saved: list[verify.Checkpoint]) -> Verdict:
    """``games.fairness.verify`` on an export's text, held against ``saved`` checkpoints."""
    try:
        report = verify.verify_lines(verify.decode_lines(io.BytesIO(text.encode())), saved)
    except verify.VerificationError as error:
        return Verdict(False, error.line, error.message)
    return Verdict(True, draws=report.draws, head_hash=report.head_hash, periods=report.periods)


def saved_file(saved: list[verify.Checkpoint]) -> str:
    """The saved checkpoints file of ``saved``, as the API answers it."""
    return json.dumps([{"period": c.period, "count": c.count, "head_hash": c.head_hash} for c in saved])


def test_records_out_of_order_are_refused_alike() -> None:
    cases = {name: ("".join(lines), saved) for name, (lines, saved, _, _) in test_order.FAULTS.items()}
    cases["clean"] = ("".join(test_order.clean()), [])
    cases["a new client seed"] = ("".join(test_order.respun(60, client_seed="new-seed")), [])
    cases["a checkpoint line after the draws"] = ("".join(test_order.late_checkpoint()), [])
    payload = [{"text": text, "checkpoints": saved_file(saved)} for text, saved in cases.values()]
    for (name, (text, saved)), answer in zip(cases.items(), run_node("exports", payload), strict=True):
        assert js_verdict(answer) == python_verdict(text, saved), name
        if name in test_order.FAULTS:
            _, _, seq, message = test_order.FAULTS[name]
            assert js_verdict(answer) == Verdict(False, test_order.FIRST + seq, message), name
        elif name == "a checkpoint line after the draws":
            assert js_verdict(answer).line == test_order.FIRST + 162
        else:
            assert js_verdict(answer).draws == test_order.DRAWS, name
