def seed_demo() -> int:
    return 0
