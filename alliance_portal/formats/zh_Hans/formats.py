# Numbers as Chinese business documents write them: 20,000 and 1,200.50 (Django's zh_Hans groups by four with no
# separator, which shows nothing). Every other format is Django's own for zh_Hans.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
