"""The one reason field every form with a reason uses."""

from kit.govuk_forms import GovukForm, reason_field


class _Form(GovukForm):
    reason = reason_field("Why?", required_message="Give a reason for moving the meeting")


class _OptionalForm(GovukForm):
    reason = reason_field("Why? (optional)")


def test_a_reason_of_only_spaces_gets_the_forms_own_required_words():
    form = _Form({"reason": "   "})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Give a reason for moving the meeting"]


def test_a_long_reason_is_refused_in_words_and_never_cut_off():
    form = _OptionalForm({"reason": "x" * 2001})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Reason must be 2,000 characters or fewer"]
    assert "maxlength" not in str(form["reason"])


def test_a_reason_is_stripped_and_optional_when_it_has_no_required_words():
    assert _OptionalForm({"reason": ""}).is_valid()
    form = _Form({"reason": "  agreed at the board  "})
    assert form.is_valid()
    assert form.cleaned_data["reason"] == "agreed at the board"
