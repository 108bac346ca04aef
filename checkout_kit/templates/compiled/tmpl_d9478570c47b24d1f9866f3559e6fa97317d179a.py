from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_fulfillment.html'

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
    try:
        t_2 = environment.filters['safe']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'safe' found.")
    pass
    for l_1_v in t_1((undefined(name='views') if l_0_views is missing else l_0_views), []):
        _loop_vars = {}
        pass
        yield '<div style="margin:16px 0;padding:12px 16px;border:1px solid #e3e8ee;border-radius:6px;">\n<p style="margin:0 0 6px;font-weight:600;">'
        yield escape(environment.getattr(l_1_v, 'title'))
        yield '</p>\n'
        for l_2_line in environment.getattr(l_1_v, 'lines'):
            _loop_vars = {}
            pass
            yield '<p style="margin:0 0 6px;">'
            yield escape(l_2_line)
            yield '</p>\n'
        l_2_line = missing
        for (l_2_label, l_2_value) in environment.getattr(l_1_v, 'facts'):
            _loop_vars = {}
            pass
            yield '<p style="margin:0 0 4px;color:#5b6275;">'
            yield escape(l_2_label)
            yield ': <strong style="color:#1a1f36;">'
            yield escape(l_2_value)
            yield '</strong></p>\n'
        l_2_label = l_2_value = missing
        for l_2_link in environment.getattr(l_1_v, 'links'):
            l_2_shop = resolve('shop')
            _loop_vars = {}
            pass
            yield '<p style="margin:10px 0 4px;"><a href="'
            yield escape(environment.getattr(l_2_link, 'url'))
            yield '" style="display:inline-block;background:'
            yield escape(environment.getattr((undefined(name='shop') if l_2_shop is missing else l_2_shop), 'accent'))
            yield ';color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">'
            yield escape(environment.getattr(l_2_link, 'label'))
            yield '</a></p>\n'
        l_2_link = l_2_shop = missing
        for l_2_t in environment.getattr(l_1_v, 'tickets'):
            _loop_vars = {}
            pass
            yield '<div style="text-align:center;margin:14px 0;">\n'
            yield escape(t_2(environment.getattr(l_2_t, 'qr_svg')))
            yield '\n<p style="margin:4px 0 0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:17px;letter-spacing:1px;">'
            yield escape(environment.getattr(l_2_t, 'code'))
            yield '</p>\n</div>\n'
        l_2_t = missing
        yield '</div>\n'
    l_1_v = missing

blocks = {}
debug_info = '2=24&4=28&5=30&6=34&8=37&9=41&11=46&12=51&14=58&16=62&17=64'