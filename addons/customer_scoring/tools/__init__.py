from . import clv_model
from . import revenue_lines
