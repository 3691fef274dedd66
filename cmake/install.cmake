# `cmake --install`: the numguard executable (and numguard-fuzz when this build has it), the
# plugin headers, libnumguard_formats and the CMake package that plugin projects find with
# find_package(numguard) (docs/PLUGINS.md). Only these targets are installed, so a build of
# `numguard numguard_formats` (no tests, no benchmarks) is enough to install.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NUMGUARD_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/numguard)

# The CUDA build links cuBLAS as a shared library from the toolkit: keep that folder on the
# installed executable's RPATH (the build tree's RPATH is dropped on install).
set_target_properties(numguard PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
target_include_directories(numguard_plugin INTERFACE
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS numguard numguard_plugin numguard_formats
  EXPORT numguardTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# numguard runs numguard-fuzz from its own folder; another project has no use for its target.
if(TARGET numguard-fuzz)
  set_target_properties(numguard-fuzz PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
  install(TARGETS numguard-fuzz RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # `numguard fuzz` passes it to libFuzzer (-dict), looked up in ../share/numguard.
  install(FILES ${PROJECT_SOURCE_DIR}/fuzz/numguard.dict
          DESTINATION ${CMAKE_INSTALL_DATADIR}/numguard)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/numguard
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

install(EXPORT numguardTargets NAMESPACE numguard:: DESTINATION ${NUMGUARD_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/numguardConfig.cmake.in
  ${PROJECT_BINARY_DIR}/numguardConfig.cmake INSTALL_DESTINATION ${NUMGUARD_INSTALL_CMAKEDIR})
# Before 1.0 a minor version may change the command line the added tests use.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/numguardConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/numguardConfig.cmake
  ${PROJECT_BINARY_DIR}/numguardConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/numguardKernelChecks.cmake
  ${CMAKE_CURRENT_LIST_DIR}/numguard_check_plugin.cmake
  DESTINATION ${NUMGUARD_INSTALL_CMAKEDIR})
