from . import customer_score_run
from . import customer_score
