import pytest
from django.core.exceptions import ValidationError

from members.validators import credit_code_check_character, validate_credit_code

from .factories import valid_credit_code


def test_reference_example_code_is_valid():
    validate_credit_code("91350100M000100Y43")


def test_lower_case_and_spaces_are_accepted_as_the_same_code():
    validate_credit_code(" 91350100m000100y43 ")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y44", "check"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100O000100Y43", "characters"),
        ("91350100I000100Y43", "characters"),
    ],
)
def test_bad_codes_are_refused_with_the_reason(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


def test_check_value_31_becomes_zero():
    # Find a body whose weighted sum is a multiple of 31: its check character must be "0".
    for n in range(5000):
        code = valid_credit_code(n)
        if code[-1] == "0":
            assert credit_code_check_character(code[:17]) == "0"
            validate_credit_code(code)
            return
    pytest.fail("no code with check value 0 among the first 5000")


def test_factory_codes_are_valid():
    for n in range(50):
        validate_credit_code(valid_credit_code(n))
