"""The demo seeding registry: each app declares, when it starts (`AppConfig.ready`), how it adds its demo data.

`python manage.py seed_demo` seeds the member registry first, then calls every registered seeder in `order`
(lowest first). A seeder takes no argument, is idempotent (running it twice creates nothing new) and returns how
many rows it created.

    from alliance_portal.demo import register_demo

    class DonationsConfig(AppConfig):
        def ready(self):
            from . import demo
            register_demo("donations", demo.seed_demo, order=30)
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSeeder:
    app: str
    seed: Callable[[], int]
    order: int


_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo(app: str, seed: Callable[[], int], *, order: int = 50) -> None:
    _SEEDERS[app] = DemoSeeder(app=app, seed=seed, order=order)


def demo_seeders() -> list[DemoSeeder]:
    return sorted(_SEEDERS.values(), key=lambda s: (s.order, s.app))
