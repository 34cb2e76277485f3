"""Totals are right: for random pledges (goods and money), random partial deliveries and cancellations, what the
database sums per appeal item and for money equals what the lines say, computed here one by one in Python."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations import selectors, services
from donations.models import Pledge

from .factories import advance, goods_pledge, make_appeal, money_pledge, secretariat_actor

pytestmark = pytest.mark.django_db

STAGES = ["pledged", "confirmed", "dispatched", "delivered", "acknowledged", "cancelled"]
quantity = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(5000), places=3)
amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=2)
fraction = st.sampled_from([Decimal(0), Decimal("0.25"), Decimal("0.5"), Decimal(1)])

goods = st.fixed_dictionaries(
    {
        "kind": st.just("goods"),
        "quantities": st.lists(quantity, min_size=1, max_size=3),
        "stage": st.sampled_from(STAGES),
        "received": fraction,
    }
)
money = st.fixed_dictionaries(
    {
        "kind": st.just("money"),
        "amount": amount,
        "rate": st.sampled_from([None, Decimal("7.1234"), Decimal("0.9")]),
        "stage": st.sampled_from(STAGES),
        "received": fraction,
    }
)


def _apply(pledge: Pledge, spec: dict) -> Pledge:
    stage = spec["stage"]
    if stage == "cancelled":
        return services.pledge_cancel(pledge=pledge, actor=secretariat_actor(), reason="test")
    if stage in ("delivered", "acknowledged"):
        pledge = advance(pledge, "dispatched")
        received = {
            line.pk: (line.quantity * spec["received"]).quantize(Decimal("0.001")) for line in pledge.lines.all()
        }
        received_cny = (pledge.amount_cny * spec["received"]).quantize(Decimal("0.01")) if pledge.is_money else None
        pledge = services.pledge_deliver(
            pledge=pledge, actor=secretariat_actor(), received=received, received_cny=received_cny
        )
    return advance(pledge, stage)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(st.one_of(goods, money), min_size=1, max_size=8))
def test_appeal_totals_equal_the_sum_of_the_lines(org, specs):
    appeal = make_appeal()
    for spec in specs:
        if spec["kind"] == "goods":
            pledge = goods_pledge(org, appeal, quantities=spec["quantities"])
        else:
            rate = spec["rate"]
            pledge = money_pledge(
                org, appeal, amount=spec["amount"], currency="USD" if rate else "CNY", exchange_rate=rate
            )
        _apply(pledge, spec)

    pledges = list(Pledge.objects.filter(appeal=appeal).prefetch_related("lines"))
    live = [p for p in pledges if p.status != "cancelled"]
    on_way = [p for p in live if p.status in ("dispatched", "delivered", "acknowledged")]
    arrived = [p for p in live if p.status in ("delivered", "acknowledged")]

    for item, progress in selectors.appeal_items_progress(appeal):

        def lines(ps, item=item):
            return [line for p in ps for line in p.lines.all() if line.appeal_item_id == item.pk]

        assert progress.target == item.target_quantity
        assert progress.pledged == sum((line.quantity for line in lines(live)), Decimal(0))
        assert progress.dispatched == sum((line.quantity for line in lines(on_way)), Decimal(0))
        assert progress.delivered == sum((line.delivered_quantity for line in lines(arrived)), Decimal(0))
        assert progress.delivered <= progress.dispatched <= progress.pledged

    money_progress = selectors.appeal_money_progress(appeal)
    money_pledges = [p for p in live if p.is_money]
    assert money_progress.target == appeal.money_target_cny
    assert money_progress.pledged == sum((p.amount_cny for p in money_pledges), Decimal(0))
    assert money_progress.dispatched == sum((p.amount_cny for p in money_pledges if p in on_way), Decimal(0))
    assert money_progress.delivered == sum((p.received_cny for p in money_pledges if p in arrived), Decimal(0))
    for value in (money_progress.pledged, money_progress.dispatched, money_progress.delivered):
        assert isinstance(value, Decimal)
    for p in money_pledges:
        assert p.amount_cny == (p.amount * p.exchange_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_progress_percentages_stop_at_a_hundred():
    progress = selectors.Progress(Decimal(10), Decimal(25), Decimal(5), Decimal(0))
    assert (progress.pledged_percent, progress.dispatched_percent, progress.delivered_percent) == (100, 50, 0)
    assert progress.reached
    assert selectors.Progress(None, Decimal(1), Decimal(0), Decimal(0)).pledged_percent == 0
