from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_fulfillment.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_views = resolve('views')
    try:
        t_1 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    pass
    l_1_loop = missing
    for l_1_v, l_1_loop in LoopContext(t_1((undefined(name='views') if l_0_views is missing else l_0_views), []), undefined):
        _loop_vars = {}
        pass
        yield str(environment.getattr(l_1_v, 'title'))
        yield '\n'
        for l_2_line in environment.getattr(l_1_v, 'lines'):
            _loop_vars = {}
            pass
            yield '  '
            yield str(l_2_line)
            yield '\n'
        l_2_line = missing
        for (l_2_label, l_2_value) in environment.getattr(l_1_v, 'facts'):
            _loop_vars = {}
            pass
            yield '  '
            yield str(l_2_label)
            yield ': '
            yield str(l_2_value)
            yield '\n'
        l_2_label = l_2_value = missing
        for l_2_link in environment.getattr(l_1_v, 'links'):
            _loop_vars = {}
            pass
            yield '  '
            yield str(environment.getattr(l_2_link, 'label'))
            yield ': '
            yield str(environment.getattr(l_2_link, 'url'))
            yield '\n'
        l_2_link = missing
        l_2_loop = missing
        for l_2_t, l_2_loop in LoopContext(environment.getattr(l_1_v, 'tickets'), undefined):
            _loop_vars = {}
            pass
            yield '  Ticket '
            yield str(environment.getattr(l_2_loop, 'index'))
            yield ': '
            yield str(environment.getattr(l_2_t, 'code'))
            yield '\n'
        l_2_loop = l_2_t = missing
        yield '\n'
    l_1_loop = l_1_v = missing

blocks = {}
debug_info = '1=19&2=22&3=24&4=28&6=31&7=35&9=40&10=44&12=50&13=54'