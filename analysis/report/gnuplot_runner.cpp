#include "analysis/report/gnuplot_runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "analysis/report/error.h"

namespace cdnlab::report {
namespace fs = std::filesystem;
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw ReportToolError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

bool Executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return Executable(program) ? program : std::string();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    if (Executable(candidate)) return candidate;
  }
  return {};
}

std::string EmbeddableSvg(const std::string& svg, const std::string& plot_id) {
  std::string out = svg;
  const auto start = out.find("<svg");
  if (start != std::string::npos) out.erase(0, start);
  // Ids must be unique in the page: gnuplot reuses gnuplot_canvas, gnuplot_plot_N, gpPtN, ...
  const std::string prefix = plot_id + "-";
  ReplaceAll(out, "id=\"gnuplot_plot_", "class=\"gnuplot-series\" id=\"" + prefix + "series-");
  ReplaceAll(out, "id=\"gnuplot_canvas\"", "id=\"" + prefix + "canvas\"");
  ReplaceAll(out, "id='gpPt", "id='" + prefix + "gpPt");
  ReplaceAll(out, "href='#gpPt", "href='#" + prefix + "gpPt");
  ReplaceAll(out, "id='gpDot'", "id='" + prefix + "gpDot'");
  ReplaceAll(out, "href='#gpDot'", "href='#" + prefix + "gpDot'");
  ReplaceAll(out, "id='textbox'", "id='" + prefix + "textbox'");
  ReplaceAll(out, "filter='url(#textbox)'", "filter='url(#" + prefix + "textbox)'");
  ReplaceAll(out, "id='greybox'", "id='" + prefix + "greybox'");
  ReplaceAll(out, "filter='url(#greybox)'", "filter='url(#" + prefix + "greybox)'");
  return out;
}

GnuplotRunner::GnuplotRunner(std::string program, std::string work_dir)
    : program_(std::move(program)), work_dir_(std::move(work_dir)) {}

std::string GnuplotRunner::Render(const Plot& plot) const {
  const std::string exe = FindProgram(program_);
  if (exe.empty()) {
    throw ReportToolError(fmt::format("gnuplot not found ('{}' is not an executable{}); install it with "
                                      "`apt-get install gnuplot-nox` (.ci/setup-debian.sh does)",
                                      program_, program_.find('/') == std::string::npos ? " in PATH" : ""));
  }
  std::error_code ec;
  fs::create_directories(work_dir_, ec);
  if (ec) throw ReportToolError(fmt::format("cannot create {}: {}", work_dir_, ec.message()));
  for (const auto& [name, content] : plot.data_files) WriteText((fs::path(work_dir_) / name).string(), content);
  const std::string svg_name = plot.id + ".svg";
  const std::string script_name = plot.id + ".gp";
  const std::string err_path = (fs::path(work_dir_) / (plot.id + ".stderr")).string();
  fs::remove(fs::path(work_dir_) / svg_name, ec);
  const std::string script =
      fmt::format("set terminal svg size {},{} dynamic noenhanced font 'sans,12' background rgb 'white'\n"
                  "set output {}\nset datafile separator '\\t'\n{}\nset output\n",
                  plot.width, plot.height, GnuplotString(svg_name), plot.script);
  WriteText((fs::path(work_dir_) / script_name).string(), script);

  const pid_t pid = ::fork();
  if (pid < 0) throw ReportToolError(fmt::format("cannot start gnuplot: fork: {}", std::strerror(errno)));
  if (pid == 0) {
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDWR);
    if (err >= 0) ::dup2(err, 2);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
    }
    if (::chdir(work_dir_.c_str()) != 0) ::_exit(126);
    ::execl(exe.c_str(), exe.c_str(), script_name.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw ReportToolError(fmt::format("waiting for gnuplot: {}", std::strerror(errno)));
  }
  const std::string err_text = ReadText(err_path);
  const std::string where = (fs::path(work_dir_) / script_name).string();
  if (WIFSIGNALED(status)) {
    throw ReportToolError(fmt::format("gnuplot killed by signal {} on {}\n{}", WTERMSIG(status), where, err_text));
  }
  if (WEXITSTATUS(status) != 0) {
    throw ReportToolError(fmt::format("gnuplot failed (exit status {}) on {}:\n{}", WEXITSTATUS(status), where,
                                      err_text.empty() ? "(no output on stderr)" : err_text));
  }
  const std::string svg = ReadText((fs::path(work_dir_) / svg_name).string());
  if (svg.find("<svg") == std::string::npos) {
    throw ReportToolError(fmt::format("gnuplot wrote no SVG for {} (script {})\n{}", plot.id, where, err_text));
  }
  return EmbeddableSvg(svg, plot.id);
}

}  // namespace cdnlab::report
