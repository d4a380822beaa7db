// app/ui/widgets/tooltip.hpp — the explanatory tooltip every control carries.
#pragma once

namespace vilab {

// When the last item is hovered, shows `text` wrapped to a readable width.
void tooltip(const char* text);

}  // namespace vilab
