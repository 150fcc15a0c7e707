#include <gtest/gtest.h>
// placeholder: written by its owner
