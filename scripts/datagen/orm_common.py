"""What the ORM writer's modules share: the batch size and the generator's own error."""

BATCH = 250


class GeneratorError(Exception):
    """A condition the user must fix (e.g. data already generated); message says how."""


def chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]
