#include "control/openflow/ofp_tlv.h"
