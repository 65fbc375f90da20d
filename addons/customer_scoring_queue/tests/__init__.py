from . import test_queued_run
