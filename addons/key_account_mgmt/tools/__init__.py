from . import access
from . import class_reasons
from . import health
from . import meetings
from . import ratings
from . import segmentation
