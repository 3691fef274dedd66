# The test numguard_add_kernel_checks adds without KERNELS: checks every kernel the plugin
# declares. They are the names `numguard list --plugin` shows beyond the built-in ones, read
# at test time because the plugin does not exist yet when the project is configured.
#   cmake -DNUMGUARD=<exe> -DPLUGIN=<lib> -DSEED=<s> [-DCASES=<n>] -P numguard_check_plugin.cmake
function(kernel_names out)
  execute_process(COMMAND ${NUMGUARD} list --json ${ARGN} OUTPUT_VARIABLE json
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "numguard list --json ${ARGN} failed (${rc})")
  endif()
  string(JSON count LENGTH "${json}")
  set(names "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${json}" ${i} name)
      list(APPEND names "${name}")
    endforeach()
  endif()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

kernel_names(built_in)
kernel_names(all --plugin ${PLUGIN})
set(mine ${all})
list(REMOVE_ITEM mine ${built_in})
if(NOT mine)
  message(FATAL_ERROR "${PLUGIN} declares no kernels")
endif()
list(JOIN mine "," kernels)
set(cases "")
if(CASES)
  set(cases --cases ${CASES})
endif()
execute_process(COMMAND ${NUMGUARD} check --plugin ${PLUGIN} --kernel ${kernels} --seed ${SEED}
                        ${cases} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "numguard check exited ${rc}")
endif()
