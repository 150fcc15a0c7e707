#include "control/openflow/ofp_group.h"
