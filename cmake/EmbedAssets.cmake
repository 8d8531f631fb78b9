# membench_embed_assets(<out-var> <asset>...): one generated C++ source per
# asset (see EmbedAsset.cmake), rebuilt when the asset changes. The symbol is
# the file name with '.' and '-' as '_': page.css -> assets::page_css.
function(membench_embed_assets out_var)
  set(sources)
  foreach(asset IN LISTS ARGN)
    get_filename_component(name "${asset}" NAME)
    string(MAKE_C_IDENTIFIER "${name}" symbol)
    set(output "${CMAKE_BINARY_DIR}/generated/assets/${symbol}.cpp")
    add_custom_command(OUTPUT "${output}"
      COMMAND ${CMAKE_COMMAND} -DASSET=${asset} -DSYMBOL=${symbol} -DOUTPUT=${output}
              -P ${CMAKE_SOURCE_DIR}/cmake/EmbedAsset.cmake
      DEPENDS "${asset}" ${CMAKE_SOURCE_DIR}/cmake/EmbedAsset.cmake
      COMMENT "Embedding ${name}" VERBATIM)
    list(APPEND sources "${output}")
  endforeach()
  set(${out_var} ${sources} PARENT_SCOPE)
endfunction()
