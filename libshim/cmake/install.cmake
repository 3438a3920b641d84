# SPDX-License-Identifier: Apache-2.0
#
# make install: libipckit.{a,so}, the public headers (and the uapi header
# they include as <linux/ipckit.h>), a pkg-config file and a CMake package.
# Both the .pc file and the CMake package locate the prefix relative to
# themselves, so `cmake --install <build> --prefix P` with any P (and any
# DESTDIR) gives a tree that works where it lands. Of the programs, samgr
# and the ipckit tool are installed; the demo and the tests are not.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# 0.x releases promise no ABI stability between minor versions.
if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(IPCKIT_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
    set(IPCKIT_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()
set_target_properties(ipckit_shared PROPERTIES
    VERSION ${PROJECT_VERSION} SOVERSION ${IPCKIT_SOVERSION} EXPORT_NAME ipckit)
set_target_properties(ipckit_static PROPERTIES EXPORT_NAME ipckit_static)

# The source-tree include paths CMakeLists.txt gives the libraries hold in
# the build tree only; installed, the headers are under includedir.
foreach(lib ipckit_static ipckit_shared)
    set_property(TARGET ${lib} PROPERTY INTERFACE_INCLUDE_DIRECTORIES
        $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
        $<BUILD_INTERFACE:${IPCKIT_UAPI_DIR}>
        $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_compile_features(${lib} INTERFACE cxx_std_20)
endforeach()
# The same names as the package's, for projects that add_subdirectory() us.
add_library(ipckit::ipckit ALIAS ipckit_shared)
add_library(ipckit::ipckit_static ALIAS ipckit_static)

install(TARGETS ipckit_static ipckit_shared EXPORT ipckitTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS samgr ipckit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# A directory install globs at install time, so headers added later are
# picked up without reconfiguring.
install(DIRECTORY include/ipckit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.h")
install(FILES ${IPCKIT_UAPI_DIR}/linux/ipckit.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/linux)

# pkg-config: prefix is ${pcfiledir} climbed back up libdir/pkgconfig.
set(IPCKIT_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${IPCKIT_PC_DIR}")
    set(IPCKIT_PC_PREFIX ${CMAKE_INSTALL_PREFIX})
else()
    file(RELATIVE_PATH IPCKIT_PC_UP /ipckit-prefix/${IPCKIT_PC_DIR} /ipckit-prefix)
    string(REGEX REPLACE "/$" "" IPCKIT_PC_UP "${IPCKIT_PC_UP}")
    set(IPCKIT_PC_PREFIX "\${pcfiledir}/${IPCKIT_PC_UP}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
        set(IPCKIT_PC_${dir} ${CMAKE_INSTALL_${dir}})
    else()
        set(IPCKIT_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
    endif()
endforeach()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/ipckit.pc.in
    ${CMAKE_CURRENT_BINARY_DIR}/ipckit.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ipckit.pc DESTINATION ${IPCKIT_PC_DIR})

# CMake package: find_package(ipckit) gives ipckit::ipckit (shared) and
# ipckit::ipckit_static.
set(IPCKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ipckit)
install(EXPORT ipckitTargets NAMESPACE ipckit:: DESTINATION ${IPCKIT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/ipckitConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/ipckitConfig.cmake
    INSTALL_DESTINATION ${IPCKIT_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ipckitConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ipckitConfig.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/ipckitConfigVersion.cmake
    DESTINATION ${IPCKIT_CMAKE_DIR})

# Host test: install into a scratch DESTDIR and build the example against
# it, through pkg-config and through find_package.
if(BUILD_TESTING OR NOT DEFINED BUILD_TESTING)
    add_test(NAME install_example
        COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/install_test.sh
                ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
endif()
