from . import revenue_lines
