// Compile-time benchmark: the one TU that compiles sfconnect's non-template code in
// SFCONNECT_SEPARATE_COMPILATION mode (linked with token_sfconnect.cpp built in that mode).
#include <sfconnect/src.hpp>
