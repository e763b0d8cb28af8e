/* The benchmark's C ceiling: the simplest libfcgi responder, one process per core, each
 * answering every request with the same 1 KB JSON document as bare-fcgi and the static file.
 * What a FastCGI responder can do on this machine, whatever language it is written in.
 *
 *   cc -O2 -o c_fcgi bench/c_fcgi.c -lfcgi
 *   c_fcgi SOCKET_PATH [PROCESSES]        (default: one per online core)
 *   c_fcgi                                spawned by Apache mod_fcgid: one process serving the
 *                                         listening socket it inherits as fd 0
 *
 * SIGTERM to the parent stops the children and the parent; to a spawned process, that process. */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void serve(int socket, const char *body, int length) {
    FCGX_Request request;
    FCGX_InitRequest(&request, socket, 0);
    while (FCGX_Accept_r(&request) >= 0) {
        FCGX_FPrintF(request.out, "Status: 200 OK\r\nContent-Type: application/scim+json\r\nContent-Length: %d\r\n\r\n", length);
        FCGX_PutStr(body, length, request.out);
        FCGX_Finish_r(&request);
    }
}

/* mod_fcgid (like spawn-fcgi) starts one process per concurrent request and hands it the
 * listening socket as fd 0: that process serves it alone, without forking; fcgid decides how
 * many there are. */
static int serve_inherited(const char *body, int length) {
    struct stat status;
    if (fstat(0, &status) != 0 || !S_ISSOCK(status.st_mode)) {
        fprintf(stderr, "usage: c_fcgi SOCKET_PATH [PROCESSES], or no argument with a listening socket as fd 0\n");
        return 2;
    }
    if (FCGX_Init() != 0) return 1;
    /* FCGX_Init's SIGTERM handler only sets a flag, and accept() would keep the process alive. */
    signal(SIGTERM, SIG_DFL);
    serve(0, body, length);
    return 0;
}

int main(int argc, char **argv) {
    long processes = argc > 2 ? atol(argv[2]) : sysconf(_SC_NPROCESSORS_ONLN);
    if (processes < 1) processes = 1;
    /* {"schemas":["fixed"],"padding":"xxx…"}: the document of bench/run.sh's static file and of
     * bare-fcgi (984 x's, 1,018 bytes). */
    static char body[1024];
    int length = snprintf(body, sizeof body, "%s", "{\"schemas\":[\"fixed\"],\"padding\":\"");
    for (int i = 0; i < 984; i++) body[length++] = 'x';
    body[length++] = '"';
    body[length++] = '}';
    if (argc < 2) return serve_inherited(body, length);

    if (FCGX_Init() != 0) return 1;
    unlink(argv[1]);
    int socket = FCGX_OpenSocket(argv[1], 1024);
    if (socket < 0 || chmod(argv[1], 0666) != 0) {
        perror("c_fcgi: cannot listen");
        return 1;
    }
    pid_t children[256];
    if (processes > 256) processes = 256;
    for (long i = 0; i < processes; i++) {
        children[i] = fork();
        if (children[i] == 0) {
            signal(SIGTERM, SIG_DFL);
            serve(socket, body, length);
            _exit(0);
        }
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int received;
    sigwait(&set, &received);
    for (long i = 0; i < processes; i++) kill(children[i], SIGTERM);
    while (wait(NULL) > 0) {
    }
    unlink(argv[1]);
    return 0;
}
