// The program each layer is linked whole into with only the layers below it
// (CMakeLists.txt, "A call the layers do not allow fails the build"): it
// links, or a layer calls into one above it. It is never run.
int main() { return 0; }
