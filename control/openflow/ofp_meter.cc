#include "control/openflow/ofp_meter.h"
