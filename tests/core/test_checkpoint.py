"""Safe reading and strict loading with a report."""

import pytest
import torch

from paxion_core.checkpoint import CheckpointError, CheckpointMismatchError, load_state_dict_strict, read_checkpoint


class Opaque:
    """A pickled Python object: the safe loader must refuse it."""


def test_safe_by_default_and_unsafe_opt_in(tmp_path):
    path = tmp_path / "pickled.pt"
    torch.save({"w": torch.ones(2), "meta": Opaque()}, path)
    with pytest.raises(CheckpointError, match="weights_only=False"):
        read_checkpoint(path)
    assert isinstance(read_checkpoint(path, weights_only=False)["meta"], Opaque)


def test_missing_and_corrupt_files_name_the_path(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        read_checkpoint(tmp_path / "absent.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="bad.pt"):
        read_checkpoint(bad)


def test_strict_load_reports_missing_unexpected_and_misshaped_keys():
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    state = {k: torch.zeros_like(v) for k, v in model.state_dict().items()}
    state.pop("1.bias")
    state["0.weight"] = torch.zeros(4, 2)
    state["extra"] = torch.zeros(1)
    before = model[0].bias.clone()
    with pytest.raises(CheckpointMismatchError) as err:
        load_state_dict_strict(model, state, source="fake.pt")
    report = err.value.report
    assert report.missing == ["1.bias"] and report.unexpected == ["extra"]
    assert report.mismatched == [("0.weight", (4, 2), (3, 2))]
    assert "fake.pt" in str(err.value) and "0.weight" in str(err.value)
    assert torch.equal(model[0].bias, before)  # nothing copied on a strict failure

    report = load_state_dict_strict(model, state, strict=False)
    assert report.loaded == 2 and not report.ok
    assert torch.count_nonzero(model[0].bias) == 0


def test_fp16_checkpoints_are_cast_to_the_model_dtype():
    model = torch.nn.Linear(2, 2)
    state = {k: torch.ones_like(v, dtype=torch.float16) for k, v in model.state_dict().items()}
    assert load_state_dict_strict(model, state).ok
    assert model.weight.dtype == torch.float32 and torch.all(model.weight == 1)
