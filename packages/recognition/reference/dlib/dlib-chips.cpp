// dlib's reference face-chip pipeline, for measuring ours against it (issue 10 item 3). Not part of
// the product or its tests. For each image path on stdin: dlib's HOG frontal face detector (again on
// the image upsampled once when it finds nothing), the detection nearest the image centre, dlib's
// 5-point shape predictor, get_face_chip_details(shape, 150, 0.25) and extract_image_chip. Writes one
// line per image to stdout: path, status, box (left top right bottom) and the five parts (x y, dlib's
// pixel convention); and the 150 x 150 RGB chips, back to back, to the file named by argv[2].
// Build (Debian 12: libdlib-dev 19.24): apt-get install libdlib-dev libjpeg-dev libpng-dev
//   g++ -O2 -std=c++17 -DDLIB_JPEG_SUPPORT -DDLIB_PNG_SUPPORT dlib-chips.cpp -o dlib-chips -ldlib -ljpeg -lpng -l:libblas.so.3 -l:liblapack.so.3
// Run: ls images/*/*.jpg | ./dlib-chips shape_predictor_5_face_landmarks.dat chips.bin > parts.txt
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: dlib-chips PREDICTOR.dat CHIPS.bin < paths\n";
    return 2;
  }
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
  dlib::shape_predictor predictor;
  dlib::deserialize(argv[1]) >> predictor;
  std::ofstream chips(argv[2], std::ios::binary);
  const std::vector<unsigned char> blank(150 * 150 * 3, 0);
  std::string path;
  while (std::getline(std::cin, path)) {
    dlib::matrix<dlib::rgb_pixel> img;
    dlib::load_image(img, path);
    std::vector<dlib::rectangle> faces = detector(img);
    double scale = 1;
    dlib::matrix<dlib::rgb_pixel> up;
    if (faces.empty()) {
      up = img;
      dlib::pyramid_up(up);
      faces = detector(up);
      scale = 0.5;  // pyramid_down<2>'s inverse: boxes on the upsampled image are twice the size
    }
    if (faces.empty()) {
      std::cout << path << " NOFACE\n";
      chips.write(reinterpret_cast<const char*>(blank.data()), blank.size());
      continue;
    }
    const dlib::dpoint centre(img.nc() / 2.0, img.nr() / 2.0);
    dlib::rectangle best = faces[0];
    for (const auto& f : faces)
      if (dlib::length(dlib::dcenter(f) * scale - centre) < dlib::length(dlib::dcenter(best) * scale - centre)) best = f;
    if (scale != 1) best = dlib::rectangle(best.left() / 2, best.top() / 2, best.right() / 2, best.bottom() / 2);
    const dlib::full_object_detection shape = predictor(img, best);
    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(img, dlib::get_face_chip_details(shape, 150, 0.25), chip);
    std::cout << path << (scale != 1 ? " UPSAMPLED " : " OK ") << best.left() << ' ' << best.top() << ' ' << best.right() << ' ' << best.bottom();
    for (unsigned long i = 0; i < shape.num_parts(); ++i) std::cout << ' ' << shape.part(i).x() << ' ' << shape.part(i).y();
    std::cout << '\n';
    for (long r = 0; r < chip.nr(); ++r)
      for (long c = 0; c < chip.nc(); ++c) {
        const dlib::rgb_pixel p = chip(r, c);
        const char px[3] = {static_cast<char>(p.red), static_cast<char>(p.green), static_cast<char>(p.blue)};
        chips.write(px, 3);
      }
  }
  return 0;
}
