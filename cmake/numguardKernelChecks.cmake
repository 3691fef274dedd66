# numguard_add_kernel_checks(TARGET <plugin target> [KERNELS k1 k2 ...] [SEED s] [CASES n]
#                            [REGRESSIONS dir])
#
# Adds ctest tests that check the kernels of a plugin (a MODULE or SHARED library target of
# the calling project) with the installed numguard (docs/PLUGINS.md):
#   numguard.check.<k>          `numguard check --plugin <lib> --kernel <k> --seed <s>`, one per
#                               name (or glob) in KERNELS;
#   numguard.check.<target>     without KERNELS: one test over every kernel the plugin
#                               declares (the names are read from the built plugin at test time);
#   numguard.regressions.<target>  `numguard repro --plugin <lib> <dir>`: the replay of the
#                               regression corpus, added only when <dir> exists at configure
#                               time (default ${CMAKE_CURRENT_SOURCE_DIR}/corpus/regressions;
#                               re-run cmake after creating it).
# SEED defaults to 1, so a failure is the same failure on every run; CASES defaults to
# numguard's (200 per generator). Every test has the label "numguard".
set_property(GLOBAL PROPERTY NUMGUARD_PACKAGE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(numguard_add_kernel_checks)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;SEED;CASES;REGRESSIONS" "KERNELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "numguard_add_kernel_checks: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TARGET OR NOT TARGET "${arg_TARGET}")
    message(FATAL_ERROR "numguard_add_kernel_checks: TARGET must name a library target "
                        "of this project (got '${arg_TARGET}')")
  endif()
  get_target_property(type ${arg_TARGET} TYPE)
  if(NOT type MATCHES "^(MODULE|SHARED)_LIBRARY$")
    message(FATAL_ERROR "numguard_add_kernel_checks: ${arg_TARGET} is a ${type}; numguard "
                        "loads plugins with dlopen, so it must be a MODULE or SHARED library")
  endif()
  if(NOT DEFINED arg_SEED)
    set(arg_SEED 1)
  endif()
  set(cases "")
  if(DEFINED arg_CASES)
    set(cases --cases ${arg_CASES})
  endif()
  set(numguard $<TARGET_FILE:numguard::numguard>)
  set(plugin $<TARGET_FILE:${arg_TARGET}>)

  set(tests "")
  if(arg_KERNELS)
    foreach(kernel IN LISTS arg_KERNELS)
      add_test(NAME numguard.check.${kernel}
               COMMAND ${numguard} check --plugin ${plugin} --kernel ${kernel} --seed ${arg_SEED}
                       ${cases})
      list(APPEND tests numguard.check.${kernel})
    endforeach()
  else()
    get_property(dir GLOBAL PROPERTY NUMGUARD_PACKAGE_DIR)
    add_test(NAME numguard.check.${arg_TARGET}
             COMMAND ${CMAKE_COMMAND} -DNUMGUARD=${numguard} -DPLUGIN=${plugin}
                     -DSEED=${arg_SEED} "-DCASES=${arg_CASES}"
                     -P ${dir}/numguard_check_plugin.cmake)
    list(APPEND tests numguard.check.${arg_TARGET})
  endif()

  if(NOT DEFINED arg_REGRESSIONS)
    set(arg_REGRESSIONS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/regressions)
  endif()
  get_filename_component(regressions "${arg_REGRESSIONS}" ABSOLUTE
                         BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  if(IS_DIRECTORY "${regressions}")
    add_test(NAME numguard.regressions.${arg_TARGET}
             COMMAND ${numguard} repro --plugin ${plugin} ${regressions})
    list(APPEND tests numguard.regressions.${arg_TARGET})
  else()
    message(STATUS "numguard: no ${regressions}, so no regression replay for ${arg_TARGET}")
  endif()
  set_tests_properties(${tests} PROPERTIES LABELS numguard)
endfunction()
