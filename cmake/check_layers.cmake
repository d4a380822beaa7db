# cmake/check_layers.cmake — the layering rule, as a test (ctest "layers: …"): run with
#   cmake -DSOURCE_DIR=<checkout> -P cmake/check_layers.cmake
# vi/ is the engine and includes only vi/ (and std, Eigen, muparser); app/io and app/cli are the
# headless libraries and include neither the GUI's libraries nor an app/ui header. A file that
# breaks the rule is named with the line, and the test fails.
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers: pass -DSOURCE_DIR=<the checkout>")
endif()

# Headers of the GUI's libraries: Dear ImGui, GLFW, OpenGL, stb (images for the GUI's screenshots).
set(GUI_LIBRARY_INCLUDE "<(imgui|GLFW/|GL/|glad|stb_|imgui_impl)")

# Per layer: the quoted include paths it may use, and the angle includes it must not use.
set(LAYERS vi app/io app/cli)
set(vi_ALLOWED "^vi/")
set(vi_FORBIDDEN "${GUI_LIBRARY_INCLUDE}|<(nlohmann|toml|CLI)")
set(app/io_ALLOWED "^(vi|app/io)/")
set(app/io_FORBIDDEN "${GUI_LIBRARY_INCLUDE}|<CLI")
set(app/cli_ALLOWED "^(vi|app/io|app/cli)/")
set(app/cli_FORBIDDEN "${GUI_LIBRARY_INCLUDE}")

set(violations "")
set(files_checked 0)
foreach(folder ${LAYERS})
  set(allowed_quoted "${${folder}_ALLOWED}")
  set(forbidden "${${folder}_FORBIDDEN}")
  file(GLOB_RECURSE sources "${SOURCE_DIR}/${folder}/*.hpp" "${SOURCE_DIR}/${folder}/*.cpp" "${SOURCE_DIR}/${folder}/*.inc")
  foreach(source ${sources})
    math(EXPR files_checked "${files_checked} + 1")
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${source}")
    file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line ${lines})
      if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
        set(path "${CMAKE_MATCH_1}")
        if(NOT path MATCHES "${allowed_quoted}")
          string(APPEND violations "  ${rel}: ${line}   (${folder}/ may include only ${allowed_quoted} paths)\n")
        endif()
      elseif(line MATCHES "#[ \t]*include[ \t]*(<[^>]+>)")
        set(path "${CMAKE_MATCH_1}")
        if(path MATCHES "${forbidden}")
          string(APPEND violations "  ${rel}: ${line}   (${folder}/ must not include this library)\n")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

if(files_checked LESS 50)
  message(FATAL_ERROR "check_layers: only ${files_checked} files found under ${SOURCE_DIR}: wrong SOURCE_DIR?")
endif()
if(violations)
  message(FATAL_ERROR "A layer includes what it must not (vi/ only vi/; app/io and app/cli no GUI and no app/ui):\n${violations}")
endif()
message(STATUS "check_layers: ${files_checked} files of vi/, app/io/ and app/cli/ keep to their layer")
