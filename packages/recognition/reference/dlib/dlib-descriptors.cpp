// dlib's own face descriptors of the chips dlib-chips wrote, by dlib's DNN with its float32 weights
// (dlib_face_recognition_resnet_model_v1.dat), for measuring our network run against dlib's. Not part
// of the product or its tests. Reads CHIPS.bin (150 x 150 RGB chips back to back) and writes, per
// chip, the 128 floats of the chip's descriptor to OUT.bin (with MIRROR as a fourth argument, those
// of its mirror after each).
// The network below is the one dlib's dnn_face_recognition_ex.cpp declares for this file.
// Build: g++ -O2 -std=c++17 dlib-descriptors.cpp -o dlib-descriptors -ldlib -l:libblas.so.3 -l:liblapack.so.3
// Run:   ./dlib-descriptors dlib_face_recognition_resnet_model_v1.dat chips.bin descriptors.bin [MIRROR]
#include <dlib/dnn.h>
#include <dlib/image_transforms.h>
#include <fstream>
#include <iostream>

using namespace dlib;

template <template <int, template <typename> class, int, typename> class block, int N, template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N, template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<
    max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: dlib-descriptors NET.dat CHIPS.bin OUT.bin [MIRROR]\n";
    return 2;
  }
  anet_type net;
  deserialize(argv[1]) >> net;
  std::ifstream in(argv[2], std::ios::binary);
  std::ofstream out(argv[3], std::ios::binary);
  std::vector<unsigned char> buf(150 * 150 * 3);
  std::vector<matrix<rgb_pixel>> batch;
  auto flush = [&]() {
    if (batch.empty()) return;
    const std::vector<matrix<float, 0, 1>> d = net(batch, 16);
    for (const auto& v : d) out.write(reinterpret_cast<const char*>(&v(0)), 128 * sizeof(float));
    batch.clear();
  };
  while (in.read(reinterpret_cast<char*>(buf.data()), buf.size())) {
    matrix<rgb_pixel> chip(150, 150);
    for (long r = 0; r < 150; ++r)
      for (long c = 0; c < 150; ++c) chip(r, c) = rgb_pixel(buf[(r * 150 + c) * 3], buf[(r * 150 + c) * 3 + 1], buf[(r * 150 + c) * 3 + 2]);
    batch.push_back(chip);
    if (argc == 5) batch.push_back(fliplr(chip));
    if (batch.size() >= 32) flush();
  }
  flush();
  return 0;
}
