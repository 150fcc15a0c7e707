// Placeholder: filled in by the group/meter/TLV codec work.
#pragma once
