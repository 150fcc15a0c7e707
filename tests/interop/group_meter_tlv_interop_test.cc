// Placeholder: filled in by the group/meter/TLV codec work.
#include <gtest/gtest.h>
