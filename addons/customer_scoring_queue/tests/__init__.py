from . import test_queued_run
from . import test_tour_queue
