# cmake/precompiled_headers.cmake — vilab_precompile(TARGET HEADER…): the heavy library headers of
# a target, precompiled once for the target instead of parsed again by every file (Eigen, Catch2,
# nlohmann::json and CLI11 take seconds each per file; most of a clean build was spent on them).
# -DVILAB_PCH=OFF turns it off, e.g. to check that every file includes what it uses.
function(vilab_precompile target)
  if(VILAB_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
